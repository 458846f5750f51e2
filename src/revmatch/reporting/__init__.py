"""Reading a result: summary figures, match %, stability, the HTML report and KPI page, plots and files out.

The pipeline never imports this package at module level: it reads a finished result.
"""

from .audit import write_outputs
from .figures import blocking_pairs, coverage_by_skill, department_flow, match_percent
from .files import workforce_frames, write_result, write_workforce
from .introductions import Templates, introductions, with_contacts, write_introductions
from .kpi_page import kpis_html, kpis_section
from .plots import plot_needs, plot_scores
from .pseudonyms import pseudonym, pseudonymized_tables
from .report import to_html
from .spreadsheet import write_spreadsheet
from .summary import SUMMARY_FIGURES, matched_by_level, shared_hours, summary
from .voice import shortlists_section

__all__ = [
    "SUMMARY_FIGURES",
    "Templates",
    "blocking_pairs",
    "coverage_by_skill",
    "department_flow",
    "introductions",
    "kpis_html",
    "kpis_section",
    "match_percent",
    "matched_by_level",
    "plot_needs",
    "plot_scores",
    "pseudonym",
    "pseudonymized_tables",
    "shared_hours",
    "shortlists_section",
    "summary",
    "to_html",
    "with_contacts",
    "workforce_frames",
    "write_introductions",
    "write_outputs",
    "write_result",
    "write_spreadsheet",
    "write_workforce",
]
