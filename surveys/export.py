"""Leaderboard export (CSV/XLSX), with spreadsheet formula injection neutralised."""

import pandas as pd

from prm.spreadsheets import neutralise_frame, spreadsheet_response


def leaderboard_frame(scores):
    frame = pd.DataFrame.from_records([
        {"Rank": s.rank, "Partner": s.partner.name, "Tier": str(s.partner.tier or ""), "Answers": s.n,
         "Promoters": s.promoters,
         "Passives": s.passives, "Detractors": s.detractors, "NPS": s.nps, "95% low": s.ci_low, "95% high": s.ci_high,
         "Shrunk score": s.shrunk, "Trend": s.trend_delta, "Trend significant": s.trend_significant}
        for s in scores
    ], columns=["Rank", "Partner", "Tier", "Answers", "Promoters", "Passives", "Detractors", "NPS", "95% low",
                "95% high", "Shrunk score", "Trend", "Trend significant"])
    frame = neutralise_frame(frame, ("Partner", "Tier"))
    frame["Rank"] = frame["Rank"].astype("Int64")  # "2", not "2.0", with blanks for partners not ranked
    return frame.round(1)


def leaderboard_response(run, scores, fmt, *, tenant):
    stamp = run.run_date.isoformat() if run else "no-run"
    return spreadsheet_response(leaderboard_frame(scores), fmt, filename=f"{tenant.slug}-nps-{stamp}", sheet_name="NPS")
