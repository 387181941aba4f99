"""The models: the local LLM, the embedder, and the manifests that name and verify their files."""
