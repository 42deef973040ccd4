"""
The body editor in the admin: django-prose-editor (Tiptap) with our own extensions.

What the editor can write and what ``articles.text.sanitize_html`` keeps are two
views of one allow-list: the editor's schema decides what a save can contain, the
sanitiser enforces it on every save path (imports and scripts included).
``tests/test_editor.py`` checks that the editor's output survives the sanitiser
unchanged.

Our extensions (``static/admin/js/body-editor.js``) add the marks the script
converter honours (``<span translate="no">`` is never converted; ``<span lang>``
names the script a passage is written in), image upload into the image library,
Word paste clean-up and Chinese labels. The module is handed to the editor in the
``js_modules`` list of the widget's configuration, which is how the configurable
preset loads extension modules; doing it here rather than through the
``DJANGO_PROSE_EDITOR_EXTENSIONS`` setting keeps the whole editor in one module.
"""

from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django_prose_editor.config import html_tags
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media

EXTENSIONS_MODULE = "admin/js/body-editor.js"
UPLOAD_URL_NAME = "admin:articles_articleimage_upload"

# What our extensions write, in the shape django-prose-editor's allow-list helper
# (``allowlist_from_extensions``) expects for custom extensions.
CUSTOM_EXTENSIONS = {
    "BodyLink": html_tags(["a"], {"a": ["href", "target", "title", "rel"]}),
    "NoConvert": html_tags(["span"], {"span": ["translate"]}),
    "SourceScript": html_tags(["span"], {"span": ["lang"]}),
    "ScriptAttributes": html_tags(
        [],
        {
            tag: ["lang", "translate"]
            for tag in ["p", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "th", "td", "pre"]
        },
    ),
    "BodyImage": html_tags(
        ["img", "a"],
        {
            "img": ["src", "alt", "title", "width", "height", "data-image"],
            "a": ["href", "target", "rel"],
        },
    ),
    "BodyFigure": html_tags(["figure"]),
    "BodyCaption": html_tags(["figcaption"]),
    "BodyCode": html_tags(["code"]),
    "BodyHighlight": html_tags(["mark"]),
    "Abbreviation": html_tags(["abbr"], {"abbr": ["title"]}),
    "HeaderScope": html_tags([], {"th": ["scope"]}),
    "TableFigure": html_tags(["figure", "figcaption"]),
    "WordPaste": html_tags([]),
    "ChineseLabels": html_tags([]),
    # Bundled, but missing from django-prose-editor 0.28's own table; it writes nothing.
    "Fullscreen": html_tags([]),
}

ORDERED_LIST_TYPES = [
    {"label": "1, 2, 3 …", "type": "decimal", "description": "数字"},
    {"label": "a, b, c …", "type": "lower-alpha", "description": "小写字母"},
    {"label": "A, B, C …", "type": "upper-alpha", "description": "大写字母"},
    {"label": "i, ii, iii …", "type": "lower-roman", "description": "小写罗马数字"},
    {"label": "I, II, III …", "type": "upper-roman", "description": "大写罗马数字"},
]

BODY_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "BodyHighlight": True,
    "BodyCode": True,
    "Abbreviation": True,
    "CodeBlock": True,
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": {"listTypes": ORDERED_LIST_TYPES},
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "BodyLink": {"enableTarget": True},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "HeaderScope": True,
    "TableFigure": True,
    "BodyImage": True,
    "BodyFigure": True,
    "BodyCaption": True,
    "NoConvert": True,
    "SourceScript": True,
    "ScriptAttributes": True,
    "WordPaste": True,
    "ChineseLabels": True,
    "HTML": True,
    "Fullscreen": True,
    "Menu": {
        "groups": [
            {"group": "blockType -lists", "type": "dropdown", "minItems": 2},
            {"group": "lists"},
            {"group": "nodes -blockType -lists"},
            {"group": "marks"},
            {"group": "conversion"},
            {"group": "link"},
            {"group": "table"},
            {"group": "history"},
            {"group": "utility"},
        ]
    },
}


def image_upload_url():
    """The image library's upload endpoint, or None while that route does not exist."""
    try:
        return reverse(UPLOAD_URL_NAME)
    except NoReverseMatch:
        return None


class BodyEditorWidget(AdminProseEditorWidget):
    """The prose editor with our extensions, their styles and the upload endpoint."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"class": "body-editor", **(attrs or {})},
            config={"extensions": BODY_EXTENSIONS},
            preset="configurable",
        )

    @property
    def media(self):
        return super().media + Media(css={"all": ["admin/css/body-editor.css"]})

    def get_config(self):
        config = super().get_config()
        # Resolved at render time: the upload route may be added after this module loads.
        config["extensions"]["BodyFigure"] = {"uploadUrl": image_upload_url()}
        config["js_modules"] = [*config["js_modules"], static(EXTENSIONS_MODULE)]
        return config


def body_widget():
    """The widget editors write the body with."""
    return BodyEditorWidget()
