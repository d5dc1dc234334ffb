"""Shapes of the letters over REST: metadata only in the list; the wording only on a letter's own page."""

from django.urls import reverse
from rest_framework import serializers

from correspondence.models import Letter


class LetterSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso3", help_text="ISO 3166-1 alpha-3 code.")
    sha256 = serializers.CharField(source="pdf_sha256", help_text="SHA-256 of the stored PDF; empty until rendered.")
    pdf_url = serializers.SerializerMethodField(help_text="Download of the stored PDF; null until it is ready.")

    class Meta:
        model = Letter
        fields = [
            "id", "kind", "country", "reference", "version", "letter_date", "status", "marking", "job_state",
            "sha256", "pdf_size", "page_count", "sent_on", "acknowledged_on", "created_at", "updated_at", "pdf_url",
        ]

    def get_pdf_url(self, letter) -> str | None:
        if not letter.is_ready:
            return None
        return reverse("letter-pdf", kwargs={"pk": letter.pk})


class LetterDetailSerializer(LetterSerializer):
    """One letter, to those who may see it: its metadata and its wording."""

    replaces = serializers.CharField(source="replaces.reference", allow_null=True, default=None,
                                     help_text="Reference of the sent letter this correction supersedes.")

    class Meta(LetterSerializer.Meta):
        fields = [*LetterSerializer.Meta.fields, "replaces", "addressee_name", "subject", "body"]


class LetterWordingSerializer(serializers.ModelSerializer):
    """The parts of a draft that can be edited before approval (PATCH, with If-Match)."""

    class Meta:
        model = Letter
        fields = ["subject", "letter_date", "addressee_name", "addressee_address", "via", "body", "signatory_name",
                  "signatory_title"]
