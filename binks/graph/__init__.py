"""The agent: a LangGraph state machine that reads freely and changes only what a person approved."""
