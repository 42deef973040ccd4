"""
The article change form as a browser would submit it: every named field of the
rendered form with its current value, so a test posts what an editor sees
(the hidden version included) and only changes what the editor changes.
"""

from html.parser import HTMLParser

from django.urls import reverse


class _FormFields(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self.textarea = None
        self.textareas = set()
        self.select = None
        self.options = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data[name] = attrs.get("value") or default
        elif tag == "textarea" and name:
            self.textarea = name
            self.textareas.add(name)
            self.data[name] = ""
        elif tag == "select" and name:
            self.select = name
            self.options = []
        elif tag == "option" and self.select and "selected" in attrs:
            self.options.append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select:
            if self.options:
                self.data[self.select] = self.options[0]
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data


def form_data(response, form_id="article_form"):
    """The fields the rendered change form would submit, as a dict."""
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    data = parser.data
    for name in parser.textareas:  # a browser drops the newline right after <textarea>
        data[name] = data[name].removeprefix("\r\n").removeprefix("\n")
    return data


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def open_form(client, article):
    """GET the change form: (response, what saving it unchanged would post)."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    return response, form_data(response)
