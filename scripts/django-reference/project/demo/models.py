"""Host models whose references the toolkit's usage registry tracks.

* Article: two CloudflareImageFields (auto usages "hero" and "thumbnail"), integer pk, a __str__.
* Gallery: a plain ForeignKey to CloudflareImage (also auto-tracked, field "cover"), no __str__ on purpose, so the
  API's content_object shows Django's default "Gallery object (1)".
* Page: UUID pk, no image field; its references are recorded with registry.register_usage (manual usages).
"""

import uuid

from django.db import models
from django_cloudflareimages_toolkit.fields import CloudflareImageField
from django_cloudflareimages_toolkit.models import CloudflareImage


class Article(models.Model):
    title = models.CharField(max_length=200)
    hero = CloudflareImageField(variants=["public", "thumbnail"])
    thumbnail = CloudflareImageField()

    def __str__(self) -> str:
        return f"Article #{self.pk}: {self.title}"


class Gallery(models.Model):
    title = models.CharField(max_length=200)
    cover = models.ForeignKey(CloudflareImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")


class Page(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(unique=True)
    body = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Page /{self.slug}/"
