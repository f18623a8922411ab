#!/bin/sh
# Builds GOV.UK Frontend into Django's static files (peerchallenge/static/vendor/, not committed):
# our Sass settings compiled into one stylesheet, and the JavaScript module. No fonts and no
# images: the fonts are GDS Transport and the images are the crown and crest, all for GOV.UK
# only (our pages use none of them). Run by scripts/lib.sh after `npm ci`, and by the
# Dockerfile's frontend stage.
set -eu
cd "$(dirname "$0")/.."
src=node_modules/govuk-frontend/dist/govuk
out=peerchallenge/static/vendor/govuk
rm -rf "$out"
mkdir -p "$out"
node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
  frontend/govuk.scss "$out/govuk-frontend.min.css"
cp "$src/govuk-frontend.min.js" "$out/"
