"""The bookshop's only app: users, authors, books and reviews."""
