"""The bookshop's data: customers (the custom user model), authors, books and reviews."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class User(AbstractUser):
    """A customer. Staff users curate authors and may edit any book or review."""

    display_name: "models.CharField[str, str]" = models.CharField(max_length=80, blank=True)


class Author(models.Model):
    name: "models.CharField[str, str]" = models.CharField(max_length=100)
    birth_year: "models.PositiveSmallIntegerField[int | None, int | None]" = (
        models.PositiveSmallIntegerField(
            null=True, blank=True, validators=[MinValueValidator(1000), MaxValueValidator(2100)]
        )
    )

    def __str__(self) -> str:
        return self.name


class Genre(models.TextChoices):
    FICTION = "fiction", "Fiction"
    SCIENCE = "science", "Science"
    HISTORY = "history", "History"
    POETRY = "poetry", "Poetry"


class Book(models.Model):
    """A book on sale; ``owner`` is the customer who listed it."""

    title: "models.CharField[str, str]" = models.CharField(max_length=200)
    author: "models.ForeignKey[Author, Author]" = models.ForeignKey(
        Author, on_delete=models.PROTECT, related_name="books"
    )
    owner: "models.ForeignKey[User, User]" = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="books"
    )
    genre: "models.CharField[str, str]" = models.CharField(max_length=20, choices=Genre.choices)
    price: "models.DecimalField[Decimal, Decimal]" = models.DecimalField(
        max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    published: "models.DateField[date, date]" = models.DateField()
    in_stock: "models.BooleanField[bool, bool]" = models.BooleanField(default=True)
    author_id: int
    owner_id: int

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    book: "models.ForeignKey[Book, Book]" = models.ForeignKey(
        Book, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer: "models.ForeignKey[User, User]" = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="reviews"
    )
    rating: "models.PositiveSmallIntegerField[int, int]" = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    body: "models.TextField[str, str]" = models.TextField(blank=True, max_length=2000)
    book_id: int
    reviewer_id: int

    def __str__(self) -> str:
        return f"{self.rating}/5 for {self.book_id}"
