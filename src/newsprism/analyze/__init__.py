"""analyze stage: entities, attributions and time expressions."""
