"""URLconf of the suite's project: one prefix per view flavour."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from examples.bookshop.routers import AsyncViewSetRouter
from tests.project.app import (
    views_adrf,
    views_cache,
    views_client,
    views_django,
    views_drf,
    views_restflow,
)

router = AsyncViewSetRouter()  # drf-restflow's async viewsets on Django 4.2 too
router.register("articles", views_restflow.ArticleViewSet, basename="article")
sync_router = DefaultRouter()
sync_router.register("articles", views_drf.ArticleSyncViewSet, basename="sync-article")

urlpatterns = [
    path("restflow/echo/", views_restflow.RestflowEchoView.as_view()),
    path("restflow/articles/create/", views_restflow.ArticleCreateView.as_view()),
    path("restflow/articles/count/", views_cache.ArticleCountView.as_view()),
    path("restflow/", include(router.urls)),
    path("adrf/echo/", views_adrf.AdrfEchoView.as_view()),
    path("drf/echo/", views_drf.DrfEchoView.as_view()),
    path("drf/articles/create/", views_drf.ArticleSyncCreateView.as_view()),
    path("drf/", include(sync_router.urls)),
    path("django/echo/", views_django.echo),
    path("django/redirect/", views_django.redirect_to_echo),
    path("django/boom/", views_django.boom),
    path("django/greeting/", views_django.greeting),
    path("django/slow/", views_django.slow),
    path("django/sync-slow/", views_django.sync_slow),
    path("client/kv/", views_client.KeyValueEchoView.as_view()),
    path("client/whoami/", views_client.whoami),
    path("client/visit/", views_client.count_visit),
    path("client/csrf/", views_client.csrf_token),
    path("client/rel/", views_client.redirect_relative),
    path("client/absolute/", views_client.redirect_absolute),
    path("client/twice/", views_client.redirect_twice),
    path("client/keep-method/", views_client.redirect_keep_method),
    path("client/loop/", views_client.redirect_loop),
    path("client/streaming/", views_client.streaming),
    path("client/query-only/", views_client.QueryOnlyRedirectView.as_view()),
    path("client/to-tenant/", views_client.RedirectToTenantView.as_view()),
    path("client/tenant-only/", views_client.tenant_only),
    path("client/raw/drf/", views_client.RawBodyView.as_view()),
    path("client/raw/django/", views_client.raw_body),
    path("client/tags/", views_client.TagCreateView.as_view()),
    path("client/notify/", views_client.NotifyView.as_view()),
    path("client/boom/restflow/", views_client.RestflowBoomView.as_view()),
    path("client/boom/adrf/", views_client.AdrfBoomView.as_view()),
    path("client/boom/drf/", views_client.DrfBoomView.as_view()),
]

# Loop semantics (tests/cases/test_loop_semantics.py).
from tests.project.app import views_loop  # noqa: E402

urlpatterns += [
    path("loop/async-to-sync/", views_loop.async_to_sync_view),
    path("loop/run-coroutine-threadsafe/", views_loop.run_coroutine_threadsafe_view),
    path("loop/sync-sleep/", views_loop.sync_sleep),
    path("loop/thread-local/", views_loop.thread_local_view),
    path("loop/async-echo/", views_loop.async_echo),
    path("loop/write-tag/", views_loop.WriteTagView.as_view()),
    path("loop/leak-task/", views_loop.leak_task),
]

# Channels (tests/cases/test_channels_loop.py): a sync view that sends to the suite's consumers'
# group.
from tests.project.app import views_channels  # noqa: E402

urlpatterns += [path("channels/broadcast/", views_channels.BroadcastView.as_view())]

# Request timeouts (tests/client/test_request_timeout.py).
from tests.project.app import views_timeout  # noqa: E402

urlpatterns += [
    path("timeout/forever/", views_timeout.wait_forever),
    path("timeout/restflow/", views_timeout.WaitingRestflowView.as_view()),
    path("timeout/sync/", views_timeout.SleepingSyncView.as_view()),
    path("timeout/sync-work/", views_timeout.SyncWorkRestflowView.as_view()),
    path("timeout/own/", views_timeout.own_timeout),
    path("timeout/to-forever/", views_timeout.to_forever),
]

# Stateful machines (tests/stateful, benchmarks/bench_stateful.py).
from tests.project.app import views_stateful  # noqa: E402

stateful_router = AsyncViewSetRouter()
stateful_router.register("owned", views_stateful.OwnedArticleViewSet, basename="owned-article")
stateful_router.register(
    "destroy-keeps-row", views_stateful.DestroyKeepsRowViewSet, basename="destroy-keeps-row"
)
stateful_router.register(
    "retrieve-hides-drafts",
    views_stateful.RetrieveHidesDraftsViewSet,
    basename="retrieve-hides-drafts",
)
stateful_sync_router = DefaultRouter()
stateful_sync_router.register("mine", views_stateful.MyArticleViewSet, basename="my-article")
stateful_sync_router.register(
    "update-ignores-field",
    views_stateful.UpdateIgnoresFieldViewSet,
    basename="update-ignores-field",
)
stateful_sync_router.register(
    "list-loses-newest", views_stateful.ListLosesNewestViewSet, basename="list-loses-newest"
)
stateful_sync_router.register(
    "patch-resets-published",
    views_stateful.PatchResetsPublishedViewSet,
    basename="patch-resets-published",
)
urlpatterns += [
    path("stateful/", include(stateful_router.urls)),
    path("stateful/sync/", include((stateful_sync_router.urls, "stateful"), namespace="sync")),
]
