"""Payload generation speed: from_serializer (20 fields) against Hypothesis' from_form.

Run from the repository root: ``python benchmarks/bench_strategies.py``. Django is configured here
with a temporary SQLite database. Both strategies draw examples of 20 equivalent fields (same
types and constraints) in the same process; the figure is examples per second, median of several
rounds, and the ratio is from_serializer over from_form (higher is faster).
"""

import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import django
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

_tmp = tempfile.mkdtemp(prefix="bench-strategies-")
settings.configure(
    DEBUG=False,
    USE_TZ=True,
    SECRET_KEY="bench",
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": f"{_tmp}/db.sqlite3"}},
)
django.setup()
# forms.URLField warns about its default scheme on Django 5.x; irrelevant to generation speed.
warnings.filterwarnings("ignore", message="The default scheme will be changed")

from django import forms  # noqa: E402
from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from hypothesis.extra.django import from_form  # noqa: E402
from hypothesis.strategies import SearchStrategy  # noqa: E402
from rest_framework import serializers  # noqa: E402

from restflow_testing.strategies import from_serializer  # noqa: E402

EXAMPLES = 300
ROUNDS = 5
CHOICES = [("a", "A"), ("b", "B"), ("c", "C")]


class TwentyFields(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=120, required=False)
    email = serializers.EmailField()
    homepage = serializers.URLField()
    slug = serializers.SlugField(max_length=30)
    code = serializers.RegexField(r"^[A-Z]{3}-\d{4}$")
    ident = serializers.UUIDField()
    address = serializers.IPAddressField()
    count = serializers.IntegerField(min_value=0, max_value=1000)
    total = serializers.IntegerField()
    ratio = serializers.FloatField(min_value=0.0, max_value=1.0)
    price = serializers.DecimalField(max_digits=8, decimal_places=2)
    active = serializers.BooleanField()
    kind = serializers.ChoiceField(choices=CHOICES)
    flavours = serializers.MultipleChoiceField(choices=CHOICES)
    day = serializers.DateField()
    opens = serializers.TimeField()
    seen = serializers.DateTimeField()
    lasts = serializers.DurationField()
    note = serializers.CharField(allow_blank=True, required=False)


class TwentyFieldsForm(forms.Form):
    name = forms.CharField(max_length=40)
    title = forms.CharField(max_length=120, required=False)
    email = forms.EmailField()
    homepage = forms.URLField()
    slug = forms.SlugField(max_length=30)
    code = forms.RegexField(r"^[A-Z]{3}-\d{4}$")
    ident = forms.UUIDField()
    address = forms.GenericIPAddressField()
    count = forms.IntegerField(min_value=0, max_value=1000)
    total = forms.IntegerField()
    ratio = forms.FloatField(min_value=0.0, max_value=1.0)
    price = forms.DecimalField(max_digits=8, decimal_places=2)
    active = forms.BooleanField(required=False)
    kind = forms.ChoiceField(choices=CHOICES)
    flavours = forms.MultipleChoiceField(choices=CHOICES)
    day = forms.DateField()
    opens = forms.TimeField()
    seen = forms.DateTimeField()
    lasts = forms.DurationField()
    note = forms.CharField(required=False)


def examples_per_second(strategy: SearchStrategy[Any]) -> float:
    drawn = 0

    @hypothesis_settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def draw(value: object) -> None:
        nonlocal drawn
        drawn += 1

    start = time.perf_counter()
    draw()
    return drawn / (time.perf_counter() - start)


def main() -> None:
    ours = from_serializer(TwentyFields)
    peer = from_form(TwentyFieldsForm)
    examples_per_second(ours)
    examples_per_second(peer)
    ours_rounds: list[float] = []
    peer_rounds: list[float] = []
    for _ in range(ROUNDS):
        ours_rounds.append(examples_per_second(ours))
        peer_rounds.append(examples_per_second(peer))
    ours_median = statistics.median(ours_rounds)
    peer_median = statistics.median(peer_rounds)
    print(f"from_serializer (20 DRF fields):      {ours_median:8.1f} examples/s")
    print(f"hypothesis from_form (20 form fields): {peer_median:8.1f} examples/s")
    print(f"ratio from_serializer / from_form:    {ours_median / peer_median:8.2f}")
    print(f"(medians of {ROUNDS} rounds of {EXAMPLES} examples each)")


if __name__ == "__main__":
    main()
