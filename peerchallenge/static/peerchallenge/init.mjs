// Starts GOV.UK Frontend's components (error summary focus, navigation toggle, ...). Pages work
// without it: it only enhances.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

initAll();
