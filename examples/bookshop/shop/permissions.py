"""Who may do what in the bookshop."""

from typing import Any

from rest_framework.request import Request
from rest_framework.views import APIView
from restflow.permissions import SAFE_METHODS, BasePermission


class IsStaffOrReadOnly(BasePermission):
    """Anyone may read; only staff may write."""

    async def ahas_permission(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user.is_authenticated and getattr(request.user, "is_staff", False))


class IsOwnerOrStaffOrReadOnly(BasePermission):
    """Anyone may read an object; only the user it belongs to, or staff, may change it.

    The owning user is the object's attribute named by the view's ``owner_field``.
    """

    async def ahas_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if not user.is_authenticated:
            return False
        if getattr(user, "is_staff", False):
            return True
        owner_id = getattr(obj, f"{getattr(view, 'owner_field', 'owner')}_id", None)
        return owner_id is not None and owner_id == user.pk
