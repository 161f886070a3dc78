"""Static files as production serves them, in every mode: compressed (gzip and Brotli when
available), fingerprinted and so cached for a year by WhiteNoise.

Django's manifest storage hands out unhashed URLs while DEBUG is on, which left `make run`
revalidating 5 MB of uncompressed plotly.js on every view; here the URLs are always the hashed
ones (so `make run` collects static files before it starts)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class FingerprintedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url(self, name: str | None, force: bool = False) -> str:
        return super().url(name, force=True)
