"""The end user's survey page, /s/<token>/: no account, the signed link is the key.

A GET never records anything (mail scanners open links); one POST records the one answer; every
kind of bad link shows the same "not valid" page and records nothing.
"""

import os
import re
import threading
import time
from types import SimpleNamespace

import pytest
from django.core import signing
from django.db import connection

from prm.tenancy.context import tenant_context
from surveys import services, tokens
from surveys.models import Answer, FollowUpCase, InvitationStatus, SurveyInvitation

from .helpers import checked_values, html_of, make_invitation, make_survey, unlabelled_controls

NOT_VALID = "This link is not valid"
ALREADY = "You already answered"


@pytest.fixture
def survey(world):
    return make_survey(world.acme, "Customer NPS", ask_effort=True)


@pytest.fixture
def invitation(world, survey):
    return make_invitation(survey, world.northwind, "dana@fabrikam.example", name="Dana Whitfield", company="Fabrikam")


@pytest.fixture
def customer(world, anon_client):
    """The end user: no account, on acme's host."""
    return anon_client(world.acme)


def url_of(token):
    return f"/s/{token}/"


def answers():
    return list(Answer.unscoped.values_list("invitation_id", "score", "effort", "comment"))


def status_of(invitation):
    return SurveyInvitation.unscoped.get(pk=invitation.pk).status


# --- GET records nothing ------------------------------------------------------------------------


def test_get_with_a_score_preselects_it_and_records_nothing(invitation, customer):
    url = url_of(tokens.answer_token(invitation))
    for _ in range(3):  # a link scanner, a preview pane, the person
        response = customer.get(url, {"score": "3"})
        assert response.status_code == 200
        html = html_of(response)
        assert "How likely are you to recommend Northwind Traders to a friend or colleague?" in html
        assert checked_values(html, "score") == ["3"]
    assert answers() == []
    assert status_of(invitation) == InvitationStatus.SENT
    assert not FollowUpCase.unscoped.exists()


@pytest.mark.parametrize("score", ["", "11", "-1", "abc", "3.5"])
def test_get_with_an_unusable_score_preselects_nothing(invitation, customer, score):
    response = customer.get(url_of(tokens.answer_token(invitation)), {"score": score})
    assert response.status_code == 200
    assert checked_values(html_of(response), "score") == []
    assert answers() == []


def test_the_page_needs_no_account_and_labels_every_input(invitation, customer):
    response = customer.get(url_of(tokens.answer_token(invitation)))
    assert response.status_code == 200  # not a redirect to a sign-in page
    html = html_of(response)
    missing, controls = unlabelled_controls(html)
    assert controls >= 11 + 7 + 1  # 0..10, effort 1..7, the comment
    assert missing == []
    assert html.count("<legend") == 2  # the NPS question and the effort question name their groups
    assert '<label for="id_comment">What is the main reason for your score?</label>' in html


def test_the_eleven_scores_on_the_page_look_the_same_chosen_or_not(invitation, customer):
    """No red detractor or green promoter styling: the chosen score looks like any chosen score."""
    html = html_of(customer.get(url_of(tokens.answer_token(invitation)), {"score": "3"}))
    score_options = re.findall(r'<label class="([^"]*)"><input type="radio" name="score"', html)
    assert score_options == ["scale__option"] * 11


# --- POST records once --------------------------------------------------------------------------


def test_post_records_the_answer_once_then_shows_already_answered(invitation, customer):
    url = url_of(tokens.answer_token(invitation))
    response = customer.post(url, {"score": "9", "effort": "6", "comment": "  Quick and friendly.  "})
    assert response.status_code == 302
    assert response["Location"] == "/s/thanks/"
    assert "Thank you!" in html_of(customer.get("/s/thanks/"))
    assert answers() == [(invitation.pk, 9, 6, "Quick and friendly.")]
    row = SurveyInvitation.unscoped.get(pk=invitation.pk)
    assert (row.status, row.next_reminder_at) == (InvitationStatus.ANSWERED, None)
    assert row.answered_at is not None

    again = customer.post(url, {"score": "0", "comment": "changed my mind"})
    assert again.status_code == 409
    assert ALREADY in html_of(again)
    reopened = customer.get(url, {"score": "1"})
    assert reopened.status_code == 409
    assert ALREADY in html_of(reopened)
    assert answers() == [(invitation.pk, 9, 6, "Quick and friendly.")]
    assert not FollowUpCase.unscoped.exists()  # the 0 was never recorded, so no case


def test_the_service_refuses_a_second_answer(world, invitation):
    with tenant_context(world.acme):
        services.answer_record(invitation=invitation, score=8)
        with pytest.raises(services.AlreadyAnswered):
            services.answer_record(invitation=invitation, score=2)
    assert answers() == [(invitation.pk, 8, None, "")]
    assert not FollowUpCase.unscoped.exists()


def test_effort_is_saved_only_when_the_survey_asks_for_it(world, customer):
    asks = make_survey(world.acme, "Asks effort", ask_effort=True)
    silent = make_survey(world.acme, "NPS only", ask_effort=False)
    with_effort = make_invitation(asks, world.northwind, "one@example.com")
    without = make_invitation(silent, world.northwind, "two@example.com")

    page = html_of(customer.get(url_of(tokens.answer_token(without))))
    assert 'name="effort"' not in page
    assert "made it easy for me" not in page

    for invitation in (with_effort, without):
        response = customer.post(url_of(tokens.answer_token(invitation)), {"score": "8", "effort": "5"})
        assert response.status_code == 302
    assert Answer.unscoped.get(invitation=with_effort).effort == 5
    assert Answer.unscoped.get(invitation=without).effort is None


@pytest.mark.parametrize(("score", "message"), [
    ("11", "Select a valid choice. 11 is not one of the available choices."),
    ("abc", "Select a valid choice. abc is not one of the available choices."),
    ("", "This field is required."),
])
def test_an_invalid_score_is_refused_with_the_error_next_to_the_field(invitation, customer, score, message):
    response = customer.post(url_of(tokens.answer_token(invitation)), {"score": score, "comment": "kept"})
    assert response.status_code == 400
    html = html_of(response)
    fieldset = html[html.index('<fieldset class="scale field--invalid" aria-describedby="score-error">'):]
    fieldset = fieldset[:fieldset.index("</fieldset>")]
    assert 'name="score"' in fieldset
    assert f'<p class="error" id="score-error">{message}</p>' in fieldset
    assert "kept</textarea>" in html  # what the person typed is kept
    assert answers() == []
    assert status_of(invitation) == InvitationStatus.SENT


def test_an_invalid_effort_is_refused(invitation, customer):
    response = customer.post(url_of(tokens.answer_token(invitation)), {"score": "7", "effort": "9"})
    assert response.status_code == 400
    assert answers() == []


# --- bad links ----------------------------------------------------------------------------------


def _flip(token, index):
    """`token` with one character changed (to another base64url character)."""
    char = token[index]
    replacement = "A" if char != "A" else "B"
    return token[:index] + replacement + token[index + 1:]


def assert_not_valid(client, url):
    for response in (client.get(url, {"score": "3"}), client.post(url, {"score": "3"})):
        assert response.status_code == 404
        assert NOT_VALID in html_of(response)
    assert answers() == []


def test_a_forged_token_is_not_valid(invitation, customer):
    assert_not_valid(customer, url_of("forged-token"))
    # A well-formed token signed with another key.
    forged = signing.dumps({"t": invitation.tenant_id, "i": invitation.pk}, key="not-our-secret",
                           salt=tokens.ANSWER_SALT, compress=True)
    assert_not_valid(customer, url_of(forged))
    # Our signature, but the unsubscribe salt: a token for one purpose does not open the other.
    other_purpose = signing.dumps({"t": invitation.tenant_id, "i": invitation.pk}, salt=tokens.UNSUBSCRIBE_SALT,
                                  compress=True)
    assert_not_valid(customer, url_of(other_purpose))
    assert status_of(invitation) == InvitationStatus.SENT


@pytest.mark.parametrize("where", ["payload", "timestamp", "signature"])
def test_an_altered_token_is_not_valid(invitation, customer, where):
    token = tokens.answer_token(invitation)
    payload, stamp, signature = token.rsplit(":", 2)
    index = {"payload": len(payload) // 2, "timestamp": len(payload) + 1,
             "signature": len(payload) + len(stamp) + 2 + len(signature) // 2}[where]
    altered = _flip(token, index)
    assert altered != token
    assert_not_valid(customer, url_of(altered))
    assert customer.get(url_of(token)).status_code == 200  # the real one still works


def _signed_days_ago(monkeypatch, invitation, days):
    """A token signed `days` ago: TimestampSigner reads the clock through django.core.signing.time."""
    past = time.time() - days * 86400
    with monkeypatch.context() as patch:
        patch.setattr(signing, "time", SimpleNamespace(time=lambda: past))
        return tokens.answer_token(invitation)


def test_an_expired_token_is_not_valid(invitation, customer, settings, monkeypatch):
    settings.SURVEY_LINK_MAX_AGE_DAYS = 60
    fresh = _signed_days_ago(monkeypatch, invitation, 59)
    expired = _signed_days_ago(monkeypatch, invitation, 61)
    assert customer.get(url_of(fresh)).status_code == 200
    assert_not_valid(customer, url_of(expired))
    # The limit is the setting: allowed 90 days, the 61-day-old link works again.
    settings.SURVEY_LINK_MAX_AGE_DAYS = 90
    assert customer.get(url_of(expired)).status_code == 200


def test_another_tenants_token_is_not_valid_on_this_host(world, anon_client):
    globex_invitation = make_invitation(make_survey(world.globex), world.initech, "pat@initrode.example")
    token = tokens.answer_token(globex_invitation)
    assert_not_valid(anon_client(world.acme), url_of(token))
    assert status_of(globex_invitation) == InvitationStatus.SENT
    assert anon_client(world.globex).get(url_of(token)).status_code == 200  # on its own host it works


def test_an_acme_token_naming_a_globex_invitation_finds_nothing(world, survey, customer):
    """Even a correctly signed acme token cannot reach another tenant's invitation by id."""
    globex_invitation = make_invitation(make_survey(world.globex), world.initech, "pat@initrode.example")
    token = signing.dumps({"t": world.acme.pk, "i": globex_invitation.pk}, salt=tokens.ANSWER_SALT, compress=True)
    assert_not_valid(customer, url_of(token))
    assert status_of(globex_invitation) == InvitationStatus.SENT


def test_a_token_whose_invitation_was_deleted_is_not_valid(world, survey, customer):
    invitation = make_invitation(survey, world.contoso, "gone@example.com")
    token = tokens.answer_token(invitation)
    invitation.delete()
    assert_not_valid(customer, url_of(token))


def test_no_survey_pages_on_the_root_domain(invitation):
    from django.test import Client

    response = Client(HTTP_HOST="localhost").get(url_of(tokens.answer_token(invitation)))
    assert response.status_code == 404
    assert answers() == []


# --- concurrency --------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_answers_record_exactly_one(world):
    survey = make_survey(world.acme, "Race")
    invitation = make_invitation(survey, world.northwind, "race@example.com")
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(score):
        try:
            with tenant_context(world.acme):
                mine = SurveyInvitation.objects.select_related("tenant").get(pk=invitation.pk)
                barrier.wait(timeout=10)
                services.answer_record(invitation=mine, score=score)
            outcomes.append("recorded")
        except services.AlreadyAnswered:
            outcomes.append("already")
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(score,)) for score in (3, 10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["already", "recorded"]
    assert Answer.unscoped.filter(invitation=invitation).count() == 1
    answer = Answer.unscoped.get(invitation=invitation)
    # The winner's side effects only: a detractor's case exists exactly when the 3 won.
    assert FollowUpCase.unscoped.filter(answer=answer).exists() == (answer.score == 3)
    assert SurveyInvitation.unscoped.get(pk=invitation.pk).status == InvitationStatus.ANSWERED
