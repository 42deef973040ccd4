"""The image library in the admin: upload, check, and the endpoint the body editor uploads to."""
