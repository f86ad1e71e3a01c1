"""Serializers of the bookshop API. Owners and reviewers come from the request, never the body."""

from rest_framework import serializers

from examples.bookshop.shop.models import Author, Book, Review


class AuthorSerializer(serializers.ModelSerializer[Author]):
    class Meta:
        model = Author
        fields = ["id", "name", "birth_year"]


class BookSerializer(serializers.ModelSerializer[Book]):
    owner = serializers.ReadOnlyField(source="owner.username")

    class Meta:
        model = Book
        fields = ["id", "title", "author", "owner", "genre", "price", "published", "in_stock"]


class ReviewSerializer(serializers.ModelSerializer[Review]):
    reviewer = serializers.ReadOnlyField(source="reviewer.username")

    class Meta:
        model = Review
        fields = ["id", "book", "reviewer", "rating", "body"]
