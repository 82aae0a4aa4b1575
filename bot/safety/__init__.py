"""Crisis detection: a staff-reviewed lexicon and pure functions, no Rasa imports."""
from bot.safety.detector import Detection, detect

__all__ = ["Detection", "detect"]
