from django.urls import path

from examples.notes.views import NoteListView

urlpatterns = [path("notes/", NoteListView.as_view())]
