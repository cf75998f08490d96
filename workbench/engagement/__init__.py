"""Engagements on disk: the client.yaml format (config), loading and validating a folder (folder), its files and
fingerprint (files), assessment rounds (rounds), KPI measurements (kpis), edits saved into client.yaml
(clientfile) and scaffolding a new engagement (scaffold). The names below are what notebooks and scripts use."""
from workbench.engagement.config import CLIENT_FILE, ClientConfig, slugify
from workbench.engagement.folder import Engagement, assess_engagement, load_engagement, read_engagement_responses
from workbench.engagement.scaffold import init_client, write_questionnaire

__all__ = ["CLIENT_FILE", "ClientConfig", "Engagement", "assess_engagement", "init_client", "load_engagement",
           "read_engagement_responses", "slugify", "write_questionnaire"]
