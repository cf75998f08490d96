"""The assessment engine: maturity models as data, questionnaires, response ingestion, scoring."""
