from rest_framework import serializers

from ..models import Region, Unit, User


class RegionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level"]


class RegionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    label = serializers.CharField(source="picker_label", read_only=True,
                                  help_text="The name as pickers show it: a village with its township.")

    class Meta:
        model = Region
        fields = ["code", "name", "label", "level", "level_display", "parent", "path"]


class UnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    region = RegionRefSerializer(read_only=True)
    label = serializers.CharField(source="picker_label", read_only=True,
                                  help_text="The name as pickers show it: a village's unit with its township.")

    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "aliases", "label", "kind", "kind_display", "region", "parent",
                  "is_active"]


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "title", "unit", "leader_level", "roles", "is_active"]

    def get_roles(self, user) -> list[str]:
        return sorted(group.name for group in user.groups.all())
