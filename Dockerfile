# The production image: web (gunicorn), Celery worker and beat all run from it.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/var/lib/onemind STATIC_ROOT=/app/staticfiles

# WeasyPrint's system libraries (Pango, HarfBuzz) and fonts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /app --uid 1000 onemind

WORKDIR /app
COPY requirements.lock .
RUN pip install -r requirements.lock
COPY . .
RUN STATIC_MANIFEST=true SECRET_KEY=build-only python manage.py collectstatic --no-input -v0 \
 && mkdir -p "$VAR_DIR" && chown onemind "$VAR_DIR"

USER onemind
EXPOSE 8000
CMD ["gunicorn", "onemind.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
