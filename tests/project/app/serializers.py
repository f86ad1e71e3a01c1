"""Serializers of the suite's project."""

from rest_framework import serializers

from tests.project.app.models import Article, Tag


class TagSerializer(serializers.ModelSerializer[Tag]):
    class Meta:
        model = Tag
        fields = ["id", "name"]


class ArticleSerializer(serializers.ModelSerializer[Article]):
    class Meta:
        model = Article
        fields = ["id", "title", "body", "published", "author", "tags", "created"]
        read_only_fields = ["author", "created"]
