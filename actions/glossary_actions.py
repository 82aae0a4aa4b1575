"""action_explain_term: explains an official word in plain language (logic in bot.glossary)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.glossary import Term, lookup

TERM_ENTITY = "term"
TERM_SLOT = "glossary_term"

FIND_ADVICE_PAYLOAD = '/find_service{"help_category":"legal_advice_advocacy"}'

KNOWN_BUTTONS = [
    {"title": "Ask about another word", "payload": "/ask_term"},
    {"title": "Find advice near me", "payload": FIND_ADVICE_PAYLOAD},
    {"title": "Back to the menu", "payload": "/main_menu"},
]

UNKNOWN_TEXT = (
    "I do not know that word yet. "
    "A solicitor or an advice service can explain it. "
    "You could also ask the person who sent the letter what it means."
)
UNKNOWN_BUTTONS = [
    {"title": "Find advice near me", "payload": FIND_ADVICE_PAYLOAD},
    {"title": "Back to the menu", "payload": "/main_menu"},
]

ASK_TEXT = "Which word would you like me to explain? You can type it, like ICPC or section 20."


def find_term(tracker: Tracker) -> Optional[Term]:
    """Use the extracted entity first, then the whole message, so new phrasings still work."""
    for value in tracker.get_latest_entity_values(TERM_ENTITY):
        term = lookup(str(value))
        if term:
            return term
    if is_bare_request(tracker):
        return None
    return lookup(tracker.latest_message.get("text"))


def is_bare_request(tracker: Tracker) -> bool:
    """True for the "Ask about another word" button (no words typed)."""
    text = (tracker.latest_message.get("text") or "").strip()
    return not text or text.startswith("/")


class ActionExplainTerm(Action):
    def name(self) -> Text:
        return "action_explain_term"

    def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        term = find_term(tracker)
        if term:
            dispatcher.utter_message(text=term.answer(), buttons=KNOWN_BUTTONS)
            return [SlotSet(TERM_SLOT, term.id)]
        if is_bare_request(tracker):
            dispatcher.utter_message(text=ASK_TEXT)
            return [SlotSet(TERM_SLOT, None)]
        dispatcher.utter_message(text=UNKNOWN_TEXT, buttons=UNKNOWN_BUTTONS)
        return [SlotSet(TERM_SLOT, None)]
