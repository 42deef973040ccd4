"""End-to-end tests: the newsroom and readers in Debian's Chromium, driven by Playwright."""
