"""The supervisor's screens: deadlines, the daily register, complaints, the working calendar
and the desk's users, as tabs of one window."""
