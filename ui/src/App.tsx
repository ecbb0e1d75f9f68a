/**
 * The site: public pages (plans and checkout, the checkout's success page,
 * sign-in by magic link or locally), the customer's jobs, business profile and
 * live portal, and the staff dashboard and directory catalog. Each page is
 * its own chunk.
 */
import { A, Route, Router, type RouteSectionProps } from "@solidjs/router";
import { Show, lazy } from "solid-js";
import { claims, isStaff, signOut } from "./auth";

const Home = lazy(() => import("./pages/Home"));
const CheckoutSuccess = lazy(() => import("./pages/CheckoutSuccess"));
const SignIn = lazy(() => import("./pages/SignIn"));
const Profile = lazy(() => import("./pages/Profile"));
const Portal = lazy(() => import("./pages/Portal"));
const DirectoryMail = lazy(() => import("./pages/DirectoryMail"));
const Staff = lazy(() => import("./pages/Staff"));
const StaffJob = lazy(() => import("./pages/StaffJob"));
const StaffTasks = lazy(() => import("./pages/StaffTasks"));
const StaffTask = lazy(() => import("./pages/StaffTask"));
const StaffUpdateTask = lazy(() => import("./pages/StaffUpdateTask"));
const StaffCatalog = lazy(() => import("./pages/StaffCatalog"));
const MyJobs = lazy(() => import("./pages/MyJobs"));
const AuthCallback = lazy(() => import("./pages/AuthCallback"));
const StaffMail = lazy(() => import("./pages/StaffMail"));
const RenderBench = lazy(() => import("./pages/RenderBench"));

function Layout(props: RouteSectionProps) {
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <nav aria-label="Main">
        <A href="/" class="brand" end>
          DirectoryBolt
        </A>
        <Show when={claims()} fallback={<A href="/sign-in">Sign in</A>}>
          <A href="/business">Business profile</A>
          <A href="/jobs">My jobs</A>
          <Show when={isStaff()}>
            <A href="/staff" end>
              Staff
            </A>
            <A href="/staff/directories">Catalog</A>
          </Show>
          <span class="muted">{claims()!.email}</span>
          <button type="button" class="link" onClick={() => void signOut().then(() => location.assign("/"))}>
            Sign out
          </button>
        </Show>
      </nav>
      <main id="main">{props.children}</main>
    </>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <A href="/">Back to the plans</A>
    </section>
  );
}

export function App() {
  return (
    <Router root={Layout}>
      <Route path={["/", "/pricing"]} component={Home} />
      <Route path="/checkout/success" component={CheckoutSuccess} />
      <Route path="/sign-in" component={SignIn} />
      <Route path="/auth/callback" component={AuthCallback} />
      <Route path="/jobs" component={MyJobs} />
      <Route path="/business" component={Profile} />
      <Route path="/portal/jobs/:id" component={Portal} />
      <Route path="/portal/jobs/:id/mail" component={DirectoryMail} />
      <Route path="/staff" component={Staff} />
      <Route path="/staff/jobs/:id" component={StaffJob} />
      <Route path="/staff/tasks" component={StaffTasks} />
      <Route path="/staff/tasks/:jobId/:submissionId" component={StaffTask} />
      <Route path="/staff/tasks/:jobId/:submissionId/update" component={StaffUpdateTask} />
      <Route path="/staff/directories" component={StaffCatalog} />
      <Route path="/staff/mail" component={StaffMail} />
      <Route path="/dev/render-bench" component={RenderBench} />
      <Route path="*" component={NotFound} />
    </Router>
  );
}
