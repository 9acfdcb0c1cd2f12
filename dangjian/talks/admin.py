"""Admin: talk topics are a dictionary an administrator edits (seed 000's four are installed by default).

Talk records are records about people and change only through ``talks.services``; they are not in the admin.
"""

from django.contrib import admin

from . import models


@admin.register(models.TalkTopic)
class TalkTopicAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "active"]
    list_editable = ["order", "active"]
