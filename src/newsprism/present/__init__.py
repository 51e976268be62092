"""present stage: JSON and terminal renderings of newsprism's records. Returns, never prints."""
