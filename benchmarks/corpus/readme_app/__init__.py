"""Models and serializers written as drf-writable-nested's and djangorestframework-dataclasses'
READMEs show them: those packages publish base classes only."""
