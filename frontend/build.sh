#!/bin/sh
# Builds GOV.UK Frontend into Django's static files (peerchallenge/static/vendor/, not committed):
# our Sass settings compiled into one stylesheet, and the JavaScript module. No fonts and no
# images: the fonts are GDS Transport and the images are the crown and crest, all for GOV.UK
# only (our pages use none of them). Then the GOV.UK family's accessible-autocomplete (the
# council picker on the new-case page enhances its select with it), as published. Run by
# scripts/lib.sh after `npm ci`, and by the Dockerfile's frontend stage.
set -eu
cd "$(dirname "$0")/.."
src=node_modules/govuk-frontend/dist/govuk
out=peerchallenge/static/vendor/govuk
rm -rf "$out"
mkdir -p "$out"
node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
  frontend/govuk.scss "$out/govuk-frontend.min.css"
cp "$src/govuk-frontend.min.js" "$out/"

autocomplete=peerchallenge/static/vendor/accessible-autocomplete
rm -rf "$autocomplete"
mkdir -p "$autocomplete"
cp node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.js \
  node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.css "$autocomplete/"
