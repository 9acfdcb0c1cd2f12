from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

BUILT = []


@login_required
@require_GET
def hello(request):
    return HttpResponse("样例页面")


def build_demo(ctx):
    BUILT.append(ctx.scale)


def daily(*, today):
    return {"ran": 1}


def panel(request, obj):
    return {"greeting": f"样例面板：{obj}"}


urlpatterns = [path("", hello, name="hello")]
