"""Generic scoped views: a record's page, and the "fetch → check → form → service → flash → redirect" shape.

Both fetch the record through the user's scope (404 for missing and not yours alike),
then check the capability at the record's organisation on every method (403 page), so
a view cannot forget either. ``ServiceFormView`` shows the form, calls ONE service in
``perform`` and shows the service's ``ValidationError`` on the form (on the field it
names, else on top), with nothing changed; on success it flashes a message and redirects.

Usage::

    from dangjian.core.generic import ObjectView, ServiceFormView

    class PostEnd(ServiceFormView):
        queryset = Post.objects.select_related("org", "person")   # fetched with get_for_user
        capability = Cap.MANAGE_PEOPLE                             # at the post's organisation
        form_class = PostEndForm
        template_name = "orgs/person_post_end.html"
        context_object_name = "post"
        success_message = _("The post was ended.")

        def perform(self, form, obj, user):
            return services.post_end(post=obj, actor=user, **form.cleaned_data)

        def get_success_url(self, obj, result):
            return reverse("orgs:person_detail", args=[obj.person_id])

    class TalkDetail(ObjectView):
        queryset = TalkRecord.objects.select_related("org")
        template_name = "talks/talk_detail.html"
        context_object_name = "talk"

        def get_extra_context(self, obj):
            return {"timeline": audit.timeline(obj, viewer=self.request.user)}

    urlpatterns = [path("posts/<int:pk>/end/", PostEnd.as_view(), name="post_end")]

A button on a record (start, close, confirm, issue…) is an ``ActionView``: POST only, no form
fields; the service's refusal is flashed on the page it redirects to, with nothing changed::

    class PlanStart(ActionView):
        queryset = InspectionPlan.objects.all()
        capability = Cap.INSPECT
        success_url_name = "supervision:plan_detail"      # reversed with the record's pk
        success_message = _("The inspection is under way.")

        def perform(self, form, plan, user):
            return services.plan_start(plan=plan, actor=user)

``success_url_name`` (any ``ServiceFormView``) is reversed with the record's pk, or with the
service's result's pk on a view without a record (a create page).

Hooks to override when needed: ``get_object`` (a record fetched another way, e.g. through
the ledger's door), ``get_initial`` / ``get_form_kwargs`` (the form's arguments),
``get_success_message``, ``get_extra_context``. With neither ``queryset`` nor ``model`` the
view has no record and ``capability`` is checked anywhere in the user's scope.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from .forms import add_service_error
from .scoping import can, get_for_user


class ObjectView(LoginRequiredMixin, View):
    """One record the user may see, rendered with ``template_name`` (and ``get_extra_context``)."""

    queryset = None
    model = None
    pk_url_kwarg = "pk"
    capability: str | None = None
    denied_message = _("You are not allowed to do this here.")
    template_name = ""
    context_object_name: str | None = None
    http_method_names = ["get", "head"]

    def get_queryset(self):
        if self.queryset is not None:
            return self.queryset.all()
        if self.model is not None:
            return self.model._default_manager.all()
        return None

    def get_object(self):
        """The record named in the URL, through the user's scope (404 otherwise); None for record-less views."""
        queryset = self.get_queryset()
        if queryset is None:
            return None
        return get_for_user(queryset, self.request.user, pk=self.kwargs[self.pk_url_kwarg])

    def check_capability(self, obj) -> None:
        if self.capability and not can(self.request.user, self.capability, obj):
            raise PermissionDenied(self.denied_message)

    def fetch(self):
        """Fetch and check, the same on every method."""
        obj = self.get_object()
        self.check_capability(obj)
        self.object = obj
        return obj

    def get_extra_context(self, obj) -> dict:
        return {}

    def get_context_data(self, obj, **context) -> dict:
        context["object"] = obj
        if self.context_object_name:
            context[self.context_object_name] = obj
        context.update(self.get_extra_context(obj))
        return context

    def render(self, obj, **context):
        if not self.template_name:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a template_name.")
        return render(self.request, self.template_name, self.get_context_data(obj, **context))

    def get(self, request, *args, **kwargs):
        return self.render(self.fetch())


class ServiceFormView(ObjectView):
    """A form on a record whose valid submission calls one service (``perform``)."""

    form_class: type[forms.BaseForm] | None = None
    success_message = ""
    success_url: str | None = None
    success_url_name: str | None = None  # reversed with the record's pk (the result's without a record)
    http_method_names = ["get", "post", "head"]

    def get_initial(self, obj) -> dict:
        return {}

    def get_form_kwargs(self, obj) -> dict:
        return {}

    def get_form(self, obj):
        kwargs = {"initial": self.get_initial(obj), **self.get_form_kwargs(obj)}
        if self.request.method == "POST":
            kwargs.update(data=self.request.POST, files=self.request.FILES)
        return self.form_class(**kwargs)

    def perform(self, form, obj, user):
        """Call ONE service with the cleaned data; its ValidationError is shown on the form."""
        raise NotImplementedError

    def get_success_message(self, obj, result) -> str:
        return str(self.success_message)

    def get_success_url(self, obj, result) -> str:
        if self.success_url_name:
            return reverse(self.success_url_name, args=[(obj if obj is not None else result).pk])
        if self.success_url is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a success_url or get_success_url().")
        return str(self.success_url)

    def get(self, request, *args, **kwargs):
        obj = self.fetch()
        return self.render(obj, form=self.get_form(obj))

    def post(self, request, *args, **kwargs):
        obj = self.fetch()
        form = self.get_form(obj)
        if form.is_valid():
            try:
                result = self.perform(form, obj, request.user)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                message = self.get_success_message(obj, result)
                if message:
                    messages.success(request, message)
                return redirect(self.get_success_url(obj, result))
        return self.render(obj, form=form)


class ActionView(ServiceFormView):
    """A button on a record (POST only): ONE service; its refusal is flashed where the view redirects."""

    form_class = forms.Form
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        obj = self.fetch()
        try:
            result = self.perform(None, obj, request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            message = self.get_success_message(obj, result)
            if message:
                messages.success(request, message)
        return redirect(self.get_success_url(obj, None))
