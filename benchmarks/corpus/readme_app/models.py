"""drf-writable-nested's README models: a user with a profile, its sites, avatars and key."""

from django.db import models


class Site(models.Model):
    url = models.CharField(max_length=100)


class Person(models.Model):
    username = models.CharField(max_length=100)


class AccessKey(models.Model):
    key = models.CharField(max_length=100)


class Profile(models.Model):
    sites = models.ManyToManyField(Site)
    person = models.OneToOneField(Person, on_delete=models.CASCADE)
    access_key = models.ForeignKey(AccessKey, null=True, on_delete=models.CASCADE)


class Avatar(models.Model):
    image = models.CharField(max_length=100)
    profile = models.ForeignKey(Profile, related_name="avatars", on_delete=models.CASCADE)


class Tag(models.Model):
    name = models.CharField(max_length=30, unique=True)


class Task(models.Model):
    title = models.CharField(max_length=60)
    priority = models.SmallIntegerField()
    tags = models.ManyToManyField(Tag, related_name="tasks")
