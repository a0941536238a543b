//! Table definitions shared by both backends (kept in step with `migrations/`).

diesel::table! {
    departments (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        employee_no -> Text,
        real_name -> Text,
        email -> Text,
        department_id -> Nullable<BigInt>,
        roles -> Text,
        password_hash -> Text,
        is_active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoke_reason -> Nullable<Text>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        session_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        target_type -> Text,
        target_id -> Nullable<BigInt>,
        detail -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    clients (id) {
        id -> BigInt,
        kind -> Text,
        name -> Text,
        pinyin -> Text,
        initials -> Text,
        aliases -> Text,
        industry -> Nullable<Text>,
        region -> Nullable<Text>,
        tier -> Nullable<Text>,
        status -> Text,
        owner_id -> Nullable<BigInt>,
        parent_id -> Nullable<BigInt>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        segment -> Nullable<Text>,
        contract_end -> Nullable<Date>,
    }
}

diesel::table! {
    client_tags (client_id, tag) {
        client_id -> BigInt,
        tag -> Text,
    }
}

diesel::table! {
    client_owner_history (id) {
        id -> BigInt,
        client_id -> BigInt,
        from_owner_id -> Nullable<BigInt>,
        to_owner_id -> Nullable<BigInt>,
        changed_by -> BigInt,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    contacts (id) {
        id -> BigInt,
        client_id -> BigInt,
        name -> Text,
        title -> Text,
        is_decision_maker -> Bool,
        phone -> Text,
        notes -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    categories (key) {
        key -> Text,
        name -> Text,
        name_en -> Text,
        base_points -> Integer,
        freshness_days -> Integer,
        position -> Integer,
        fields -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> BigInt,
        key -> Text,
        request -> Text,
        status -> Integer,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    intel_clients (intel_id, client_id) {
        intel_id -> BigInt,
        client_id -> BigInt,
    }
}

diesel::table! {
    intel (id) {
        id -> BigInt,
        client_id -> Nullable<BigInt>,
        category -> Text,
        author_id -> BigInt,
        title -> Text,
        body -> Text,
        fields -> Text,
        source -> Text,
        observed_at -> Timestamp,
        completeness -> Double,
        status -> Text,
        revision -> Integer,
        supersedes_id -> Nullable<BigInt>,
        duplicate_of -> Nullable<BigInt>,
        quality -> Nullable<Double>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        adopted_at -> Nullable<Timestamp>,
        verified_at -> Nullable<Timestamp>,
        imported -> Bool,
        sensitive_keys -> Text,
        urgent -> Bool,
    }
}

diesel::table! {
    follows (id) {
        id -> BigInt,
        user_id -> BigInt,
        target -> Text,
        value -> Text,
        delivery -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    visits (id) {
        id -> BigInt,
        client_id -> BigInt,
        author_id -> BigInt,
        visited_on -> Date,
        contact_ids -> Text,
        purpose -> Text,
        summary -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tasks (id) {
        id -> BigInt,
        visit_id -> Nullable<BigInt>,
        client_id -> BigInt,
        title -> Text,
        due_on -> Date,
        assignee_id -> BigInt,
        status -> Text,
        result -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        done_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reminders (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        client_id -> Nullable<BigInt>,
        intel_id -> Nullable<BigInt>,
        task_id -> Nullable<BigInt>,
        field_key -> Text,
        fact_on -> Nullable<Date>,
        offset_days -> Integer,
        due_on -> Date,
        title -> Text,
        status -> Text,
        snoozed_until -> Nullable<Date>,
        event_key -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_feeds (user_id) {
        user_id -> BigInt,
        generation -> Integer,
        rotated_at -> Timestamp,
    }
}

diesel::table! {
    reviews (id) {
        id -> BigInt,
        intel_id -> BigInt,
        revision -> Integer,
        reviewer_id -> BigInt,
        author_id -> BigInt,
        decision -> Text,
        truthfulness -> Nullable<Integer>,
        relevance -> Nullable<Integer>,
        completeness -> Nullable<Integer>,
        timeliness -> Nullable<Integer>,
        value -> Nullable<Integer>,
        mean_score -> Nullable<Double>,
        comment -> Text,
        duplicate_of -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    usages (id) {
        id -> BigInt,
        intel_id -> BigInt,
        user_id -> BigInt,
        purpose -> Text,
        outcome -> Text,
        note -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    point_rules (version) {
        version -> Integer,
        rules -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    point_entries (id) {
        id -> BigInt,
        user_id -> BigInt,
        delta -> Integer,
        reason -> Text,
        intel_id -> Nullable<BigInt>,
        usage_id -> Nullable<BigInt>,
        rule_version -> Integer,
        idempotency_key -> Text,
        note -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        title -> Text,
        body -> Text,
        intel_id -> Nullable<BigInt>,
        client_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    search_outbox (id) {
        id -> BigInt,
        target -> Text,
        target_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    search_misses (id) {
        id -> BigInt,
        user_id -> Nullable<BigInt>,
        query -> Text,
        filters -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    stat_cells (grain, starts_on, department_id, category, kind) {
        grain -> Text,
        starts_on -> Date,
        department_id -> BigInt,
        category -> Text,
        kind -> Text,
        submitted -> BigInt,
        adopted -> BigInt,
        adopted_used -> BigInt,
        uses -> BigInt,
        won -> BigInt,
        decided -> BigInt,
        adoptions -> BigInt,
        score_micro -> BigInt,
        scored -> BigInt,
    }
}

diesel::table! {
    author_cells (grain, starts_on, user_id) {
        grain -> Text,
        starts_on -> Date,
        user_id -> BigInt,
        submitted -> BigInt,
        updates -> BigInt,
        adopted -> BigInt,
        adopted_used -> BigInt,
        uses -> BigInt,
        decided -> BigInt,
        adoptions -> BigInt,
        score_micro -> BigInt,
        scored -> BigInt,
        points -> BigInt,
        verifications -> BigInt,
    }
}

diesel::table! {
    delay_cells (grain, starts_on, measure, owner_id, bucket) {
        grain -> Text,
        starts_on -> Date,
        measure -> Text,
        owner_id -> BigInt,
        bucket -> Integer,
        n -> BigInt,
        seconds -> BigInt,
    }
}

diesel::table! {
    rollup_state (id) {
        id -> Integer,
        version -> Integer,
        built_at -> Timestamp,
    }
}

diesel::table! {
    client_losses (id) {
        id -> BigInt,
        client_id -> BigInt,
        status -> Text,
        reasons -> Text,
        competitor -> Nullable<Text>,
        occurred_on -> Date,
        note -> Text,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
        outcome -> Nullable<Text>,
        closed_on -> Nullable<Date>,
        closed_by -> Nullable<BigInt>,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    contact_tags (contact_id, tag) {
        contact_id -> BigInt,
        tag -> Text,
    }
}

diesel::table! {
    upkeep (id) {
        id -> BigInt,
        user_id -> BigInt,
        intel_id -> BigInt,
        kind -> Text,
        due_at -> Timestamp,
        done_at -> Timestamp,
    }
}

diesel::table! {
    appraisal_rules (version) {
        version -> Integer,
        rules -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    appraisals (id) {
        id -> BigInt,
        period -> Text,
        starts_on -> Date,
        ends_on -> Date,
        rules_version -> Integer,
        published_by -> BigInt,
        published_at -> Timestamp,
        people -> Integer,
    }
}

diesel::table! {
    appraisal_results (appraisal_id, user_id) {
        appraisal_id -> BigInt,
        user_id -> BigInt,
        employee_no -> Text,
        real_name -> Text,
        department_id -> Nullable<BigInt>,
        department -> Nullable<Text>,
        total_milli -> BigInt,
        rank -> Integer,
        department_rank -> Integer,
        detail -> Text,
    }
}

diesel::joinable!(users -> departments (department_id));
diesel::joinable!(author_cells -> users (user_id));
diesel::joinable!(client_tags -> clients (client_id));
diesel::joinable!(contacts -> clients (client_id));
diesel::joinable!(intel -> clients (client_id));
diesel::joinable!(intel -> users (author_id));
diesel::joinable!(intel_clients -> intel (intel_id));
diesel::joinable!(intel_clients -> clients (client_id));
diesel::joinable!(intel -> categories (category));
diesel::joinable!(usages -> intel (intel_id));
diesel::joinable!(client_losses -> clients (client_id));
diesel::joinable!(contact_tags -> contacts (contact_id));
diesel::joinable!(upkeep -> intel (intel_id));
diesel::joinable!(appraisal_results -> appraisals (appraisal_id));
diesel::joinable!(appraisals -> users (published_by));
diesel::joinable!(usages -> users (user_id));
diesel::joinable!(point_entries -> users (user_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(audit_events -> users (actor_id));

diesel::allow_tables_to_appear_in_same_query!(
    departments,
    users,
    sessions,
    refresh_tokens,
    audit_events,
    clients,
    client_tags,
    client_owner_history,
    contacts,
    categories,
    intel,
    intel_clients,
    idempotency_keys,
    reviews,
    usages,
    point_rules,
    point_entries,
    notifications,
    search_outbox,
    search_misses,
    notification_preferences,
    mail_outbox,
    job_runs,
    stale_notices,
    follows,
    visits,
    tasks,
    reminders,
    calendar_feeds,
    stat_cells,
    author_cells,
    delay_cells,
    rollup_state,
    client_losses,
    contact_tags,
    upkeep,
    appraisal_rules,
    appraisals,
    appraisal_results,
);

diesel::table! {
    notification_preferences (user_id, kind) {
        user_id -> BigInt,
        kind -> Text,
        delivery -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> BigInt,
        user_id -> BigInt,
        recipient -> Text,
        kind -> Text,
        subject -> Text,
        notification_id -> Nullable<BigInt>,
        digest_id -> Nullable<BigInt>,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        claim -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    job_runs (job, period_key) {
        job -> Text,
        period_key -> Text,
        started_at -> Timestamp,
        summary -> Text,
    }
}

diesel::table! {
    stale_notices (intel_id) {
        intel_id -> BigInt,
        noticed_at -> Timestamp,
    }
}

diesel::joinable!(notification_preferences -> users (user_id));
diesel::joinable!(mail_outbox -> users (user_id));
diesel::joinable!(mail_outbox -> notifications (notification_id));
diesel::joinable!(stale_notices -> intel (intel_id));

// Grouped together by the statistics: an event by its entry's category,
// client kind and author's department; a use by who recorded it and whose
// entry it was.
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    intel::category,
    clients::kind,
    users::department_id,
);
diesel::allow_columns_to_appear_in_same_group_by_clause!(usages::user_id, intel::author_id);
