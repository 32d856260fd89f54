"""The citizen's rights (GDPR art. 15–18): what is held about one address, as the citizen
reads it; rectification, erasure and restriction are repository operations
(:mod:`detection.repository.rights`)."""
