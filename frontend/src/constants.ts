// Data values, not UI text: the interest tags the branch uses for event
// clusters (DESIGN.md §1), offered as suggestions when tagging a client.
export const SUGGESTED_CLIENT_TAGS = ['高尔夫', '网球', '机场贵宾']
