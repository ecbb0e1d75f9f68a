/**
 * Live fan-out of one job: changes collect during a short window of the
 * socket hub, then leave as at most three frames (changed submissions, new
 * activity lines, the job's progress), each serialised once for every socket
 * of the job, customer and staff alike; the same burst gives OpsMonitor its
 * summary. The window makes a burst of reports a few frames, not hundreds.
 */
import type { ActivityLine, JobProgress, ServerMessage, SocketRole, SubmissionView } from "../../core/protocol/live";
import type { Admission, SocketHub } from "../socket-hub";

export interface FanOutSource {
  /** Submissions changed since the last call, as the sockets show them. */
  takeChangedSubmissions(): SubmissionView[];
  progress(): JobProgress;
  /** The burst's summary for the ops overview. */
  notifyOps(progress: JobProgress, activity: ActivityLine[]): void;
}

export class LiveFanOut {
  private pendingActivity: ActivityLine[] = [];
  private jobDirty = false;

  constructor(
    private readonly sockets: SocketHub,
    private readonly source: FanOutSource,
  ) {}

  /** The forwarded upgrade, admitted once per ticket for one of `roles`, or the answer refusing it. */
  admit(request: Request, roles: readonly SocketRole[]): Admission | Response {
    return this.sockets.admit(request, roles);
  }

  /** An admitted socket; `snapshot` goes first, before any delta. */
  accept(admission: Admission, snapshot: ServerMessage): Response {
    return this.sockets.accept(admission, snapshot);
  }

  /** An activity line for the next frame (sent with the next change of the job). */
  activity(line: ActivityLine): void {
    this.pendingActivity.push(line);
  }

  /** How many activity lines wait, for dropActivitySince(). */
  activityMark(): number {
    return this.pendingActivity.length;
  }

  /** Forgets lines queued after `mark` (their transaction rolled back; none of it was persisted). */
  dropActivitySince(mark: number): void {
    this.pendingActivity.length = Math.min(mark, this.pendingActivity.length);
  }

  /** The job changed: a frame at the end of the window. */
  jobChanged(): void {
    this.jobDirty = true;
    this.sockets.schedule(() => this.flush());
  }

  private flush(): void {
    const views = this.source.takeChangedSubmissions();
    const activity = this.pendingActivity;
    this.pendingActivity = [];
    const jobDirty = this.jobDirty;
    this.jobDirty = false;
    const progress = this.source.progress();
    const frames: ServerMessage[] = [];
    if (views.length) frames.push({ type: "submission", submissions: views });
    if (activity.length) frames.push({ type: "activity", lines: activity });
    if (jobDirty) frames.push({ type: "job", job: progress });
    this.sockets.broadcastAll(frames);
    if (jobDirty || activity.length) this.source.notifyOps(progress, activity);
  }
}
