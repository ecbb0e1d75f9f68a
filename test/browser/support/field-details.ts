/**
 * What the engine reads of one field in the page (FieldDetails), for tests of
 * the pure decisions that follow: a visible, empty text input unless a test
 * says otherwise.
 */
import type { FieldDetails } from "../../../browser-worker/src/engine/inpage.ts";

export const fieldDetails = (over: Partial<FieldDetails>): FieldDetails => ({
  found: true,
  tag: "input",
  type: "text",
  name: "",
  id: "",
  visible: true,
  disabled: false,
  readOnly: false,
  required: false,
  maxLength: -1,
  pattern: "",
  placeholder: "",
  label: "",
  hint: "",
  value: "",
  checked: false,
  multiple: false,
  options: [],
  group: [],
  groupLabel: "",
  ...over,
});
