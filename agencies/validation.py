"""Model validation for services: the same rules and messages the forms show."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction


def validate(instance: models.Model, exclude: list[str] | None = None) -> None:
    """Run the model's checks and constraints (but those of `exclude`d fields); errors
    keyed by field for the form."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


def check_same_agency(agency, *objects, message: str = "This belongs to another agency.") -> None:
    """Every object belongs to `agency`. Views fetch through the agency scope; services
    check again, for every other caller."""
    for obj in objects:
        if obj.agency_id != agency.pk:
            raise ValidationError(message)


def save_unique(instance: models.Model, **kwargs) -> None:
    """Save; a uniqueness race lost to another request becomes the constraint's message."""
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError as error:
        validate(instance)  # names the rule that the other request's row now breaks
        raise ValidationError("This was saved by someone else a moment ago.") from error
