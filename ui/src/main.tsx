import { render } from "solid-js/web";
import { App } from "./App";
import { restoreSession } from "./auth";

// Pages decide at once whether someone is signed in: the session is restored first.
restoreSession().finally(() => render(() => <App />, document.getElementById("root")!));
