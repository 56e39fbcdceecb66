"""The type of the person who acts: ``actor: Person`` in every action, keyword-only where a second user appears.

A staff member is a Django user; the alias names the role the value plays and
lets a type checker catch an actor and a subject swapped (Zulip's
``*, acting_user: UserProfile``). Importing it loads nothing at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

Person: TypeAlias = "AbstractUser"
