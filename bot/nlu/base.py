"""What every one of the project's non-trained Rasa graph components shares.

Each reads one message at a time and learns nothing: subclasses implement
`process_message` and, if they take options, `get_default_config`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


class MessageComponent(GraphComponent):
    """A component that changes each message it is given and is never trained."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MessageComponent":
        return cls(config)

    def __init__(self, config: Dict[Text, Any] | None = None) -> None:
        self._config = {**self.get_default_config(), **(config or {})}

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through unchanged: these components do not learn."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.process_message(message)
        return messages

    def process_message(self, message: Message) -> None:
        raise NotImplementedError
