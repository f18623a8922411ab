# Questionnaires, invitations and responses arrive with the surveys capability (DESIGN.md §5).
