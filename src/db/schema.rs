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

diesel::joinable!(users -> departments (department_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(audit_events -> users (actor_id));

diesel::allow_tables_to_appear_in_same_query!(departments, users, sessions, refresh_tokens, audit_events);
