"""
Reading an input: a local file, or an http(s) URL fetched within bounds, then
handed to the reader for its format.

A cron job imports from addresses someone typed once, so a download must not
hang (timeout and deadline), fill the disk or memory (size cap), or be led
off the web by a redirect (``file:``, ``ftp:``). Whatever goes wrong is an
``InputError`` with a reason for the person reading the job's output.
"""

import codecs
import http.client
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .feeds import parse_xml
from .items import InputError
from .json_items import parse_json

FETCH_TIMEOUT = 10  # seconds without a byte from the server
FETCH_DEADLINE = 60  # seconds for the whole download
MAX_BYTES = 20 * 1024 * 1024
USER_AGENT = "newsportal-import/1.0"


def load(location):
    """The feed at a path or an http(s) URL, parsed; ``InputError`` says why not."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]+:", location):
        if urlsplit(location).scheme.lower() not in ("http", "https"):
            raise InputError("只支持 http(s) 网址；本地文件请直接给出路径")
        data, url, charset = fetch(location)
        return parse(data, location, base_url=url, charset=charset)
    try:
        data = Path(location).read_bytes()
    except OSError as error:
        raise InputError(f"无法读取文件：{error.strerror}") from error
    return parse(data, location)


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only: urllib would follow one to ftp: too."""

    def http_error_302(self, req, fp, code, msg, headers):
        target = urljoin(req.full_url, headers.get("location") or headers.get("uri") or "")
        if urlsplit(target).scheme.lower() not in ("http", "https"):
            raise InputError(f"拒绝跳转到非 http(s) 网址：{target}")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def fetch(url):
    """``(body, final url, charset)``, within the timeout, deadline and size cap."""
    opener = urllib.request.build_opener(_WebOnlyRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    deadline = time.monotonic() + FETCH_DEADLINE
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT) as response:
            if int(response.headers.get("Content-Length") or 0) > MAX_BYTES:
                raise InputError(f"文件超过 {MAX_BYTES / 2**20:g} MB")
            chunks, size = [], 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise InputError(f"文件超过 {MAX_BYTES / 2**20:g} MB")
                if time.monotonic() > deadline:
                    raise InputError(f"下载超过 {FETCH_DEADLINE} 秒")
                chunks.append(chunk)
            return b"".join(chunks), response.geturl(), response.headers.get_content_charset()
    except urllib.error.HTTPError as error:
        raise InputError(f"服务器返回 HTTP {error.code}") from error
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise InputError(f"无法下载：{reason}") from error


def parse(data, location, base_url=None, charset=None):
    """A ``Feed`` from the bytes of a JSON, RSS or Atom document: the first byte decides."""
    if not data.strip():
        raise InputError("文件是空的")
    if data.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1] in (b"{", b"["):
        return parse_json(data, location)
    return parse_xml(data, location, base_url=base_url, charset=charset)
