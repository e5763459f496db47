"""The county's password rules as a Django password validator (AUTH_PASSWORD_VALIDATORS): every form that sets a
password — the person's own change, an administrator's reset in the admin — is held to the rules of the person's
county, and every password set is remembered for "no reuse of the last N"."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import selectors, services


class CountyPasswordValidator:
    def validate(self, password, user=None):
        rules = selectors.security_rules(user)
        problems = services.password_check_text(password, rules)
        if user is not None and selectors.password_reused(user, password, rules.password_history):
            problems.append(_("不能使用最近用过的%(n)s个密码。") % {"n": rules.password_history})
        if problems:
            raise ValidationError(problems, code="password_rules")

    def password_changed(self, password, user=None):
        if user is not None:
            services.password_recorded(user=user)

    def get_help_text(self):
        return _("密码长度、字符种类和不得重复使用的次数按本县“密码与登录规则”。")
