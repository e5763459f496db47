"""Reading a rules page as a browser would: the values its form would post as it stands."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, testid: str):
        super().__init__()
        self.testid, self.inside, self.data, self._select, self._textarea = testid, False, {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("data-testid") == self.testid:
            self.inside = True
        if not self.inside or not a.get("name") and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(a["name"], []).append(a.get("value", "on"))
            elif kind != "submit":
                self.data[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[a["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_data(html: str, testid: str = "rules-form") -> dict:
    """The name → value (a list for checkboxes and radios) the form would post."""
    reader = _FormReader(testid)
    reader.feed(html)
    return reader.data
