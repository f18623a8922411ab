// Turns the council list ([data-council-picker]) into GOV.UK's accessible autocomplete: type
// part of a name, pick from the matches. The list stays in the page, hidden, and is what the
// form sends, so the server reads the same field with or without JavaScript.
// accessible-autocomplete.min.js (loaded before this module) defines window.accessibleAutocomplete.
const select = document.querySelector("select[data-council-picker]");
if (select && window.accessibleAutocomplete) {
  const inputId = select.id; // the box takes the list's id (and so its label); the list's gets "-select"
  window.accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: "", // blank, not "Choose a council", until a council is chosen
    showAllValues: true,
    // What the box shows decides, so an old choice is never sent behind another name in it.
    // Leaving the box confirms no option (undefined): then the box's text is read.
    onConfirm: (name) => {
      const shown = name ?? document.getElementById(inputId)?.value ?? "";
      const chosen = [...select.options].find((option) => option.value && option.text === shown);
      select.value = chosen ? chosen.value : "";
    },
  });
}
