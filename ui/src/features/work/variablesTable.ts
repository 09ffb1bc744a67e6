// The environment editor's variables table as a pure reducer: the rows being edited (a
// blank row at the end becomes a new variable when typed into), which secret rows are
// shown unmasked, and whether there are unsaved changes.
import type { Variable } from "../../bindings/Variable";

export type VariablesState = {
  /** The variables as last saved (or loaded). */
  saved: Variable[];
  rows: Variable[];
  /** Secret rows (by index) whose value is shown; every other secret stays masked. */
  revealed: number[];
};

export type VariablesAction =
  | { type: "loaded"; variables: Variable[] }
  | { type: "edit"; index: number; change: Partial<Variable> }
  | { type: "remove"; index: number }
  | { type: "reveal"; index: number; shown: boolean };

/** A new, switched-on, non-secret row. */
export const blankVariable = (): Variable => ({ key: "", value: "", enabled: true, secret: false });

const isBlank = (row: Variable) => row.key === "" && row.value === "" && !row.secret;

export const variablesState = (variables: Variable[]): VariablesState => ({
  saved: variables,
  rows: variables,
  revealed: [],
});

export function variablesReducer(state: VariablesState, action: VariablesAction): VariablesState {
  switch (action.type) {
    case "loaded":
      return variablesState(action.variables);
    case "edit": {
      const { index, change } = action;
      if (index < 0 || index > state.rows.length) return state;
      const current = state.rows[index] ?? blankVariable();
      const next = { ...current, ...change };
      // Typing into the blank row adds a variable; a new row left blank is not one.
      if (index === state.rows.length) {
        if (isBlank(next)) return state;
        return { ...state, rows: [...state.rows, next] };
      }
      const rows = state.rows.map((row, at) => (at === index ? next : row));
      // A row that stops being secret has nothing to hide.
      const revealed =
        change.secret === false ? state.revealed.filter((at) => at !== index) : state.revealed;
      return { ...state, rows, revealed };
    }
    case "remove": {
      const { index } = action;
      if (index < 0 || index >= state.rows.length) return state;
      return {
        ...state,
        rows: state.rows.filter((_, at) => at !== index),
        revealed: state.revealed
          .filter((at) => at !== index)
          .map((at) => (at > index ? at - 1 : at)),
      };
    }
    case "reveal": {
      const others = state.revealed.filter((at) => at !== action.index);
      return { ...state, revealed: action.shown ? [...others, action.index] : others };
    }
  }
}

/** Whether row `index`'s value is hidden behind dots. */
export const isMasked = (state: VariablesState, index: number): boolean =>
  (state.rows[index]?.secret ?? false) && !state.revealed.includes(index);

/** The rows to save: without rows that have neither key nor value. */
export const rowsToSave = (state: VariablesState): Variable[] =>
  state.rows.filter((row) => row.key.trim() !== "" || row.value !== "");

/** The table holds changes that are not saved. */
export const variablesDirty = (state: VariablesState): boolean =>
  JSON.stringify(rowsToSave(state)) !== JSON.stringify(state.saved);
