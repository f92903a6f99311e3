"""Pages of one region, under /r/<region_slug>/. Object ids are random public ids. The
region's dashboard and its view of member agencies' progress are the pledges app's
(`pledges.regions.urls`), included beside these."""

urlpatterns = []
