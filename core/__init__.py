"""What every app shares and owns nothing of the domain: the errors a user can act on and the
API plumbing that turns them into HTTP. The lowest layer: it imports none of our apps."""
